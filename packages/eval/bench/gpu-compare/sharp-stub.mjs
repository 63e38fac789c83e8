// The GPU comparison never decodes an image; core imports sharp for raster files. A call is a bug.
const sharp = () => {
  throw new Error('sharp is not available in the GPU comparison bundle');
};
sharp.versions = { sharp: 'stub' };
export default sharp;
