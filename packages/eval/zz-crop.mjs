import sharp from 'sharp';
const [,, src, top, height, out, left = '0', width = '1400'] = process.argv;
await sharp(src).extract({ left: +left, top: +top, width: +width, height: +height }).toFile(out);
