// Augmentation and the toolkit's seeded random generator.
export { createRng, type Rng } from './rng.js';
export { drawAugmentation, AUGMENT_DEFAULTS, type AugmentOptions, type Augmentation } from './augment.js';
