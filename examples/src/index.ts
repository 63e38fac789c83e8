export { createClassifyService, type ClassifyService, type ServiceOptions } from './classify-service.js';
