/**
 * The pretrained weight sets affnet knows: Keras Applications' ImageNet weights without the
 * classifier ("notop"), at the URLs and with the MD5 checksums Keras itself pins
 * (`keras/src/applications/{vgg19,resnet,inception_v3}.py`: `WEIGHTS_PATH_NO_TOP`,
 * `WEIGHTS_HASHES`, `file_hash`). The file names are the ones Keras caches them under, which is what
 * the weights folder is searched for (runtime/pretrained.ts).
 */
import type { Architecture } from '@affnet/core';

export interface PretrainedSet {
  /** What `affnet weights pull NAME` takes. */
  name: string;
  architecture: Architecture;
  /** File name in the weights folder. */
  file: string;
  url: string;
  /** MD5 of the file as Keras pins it (hex). */
  md5: string;
  /** Approximate size, for the listing and the progress bar before the server says. */
  approxMiB: number;
  licence: string;
  source: string;
}

const KERAS = 'https://storage.googleapis.com/tensorflow/keras-applications';
const IMAGENET = 'trained on ImageNet (ILSVRC-2012), whose images may be used for non-commercial research only';
const VGG = `CC BY 4.0 (Simonyan & Zisserman, Visual Geometry Group, Oxford; converted to Keras by keras-team); ${IMAGENET}`;
const RESNET = `MIT (He et al., Microsoft Research, deep-residual-networks; converted to Keras by keras-team); ${IMAGENET}`;
const INCEPTION = `Apache 2.0 (Google, TensorFlow models; Keras Applications); ${IMAGENET}`;

export const PRETRAINED_SETS: readonly PretrainedSet[] = [
  {
    name: 'vgg19-imagenet-notop',
    architecture: 'vgg19',
    file: 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${KERAS}/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    md5: '253f8cb515780f3b799900260a226db6',
    approxMiB: 76,
    licence: VGG,
    source: 'keras.applications.VGG19(weights="imagenet", include_top=False)',
  },
  {
    name: 'resnet50-imagenet-notop',
    architecture: 'resnet50',
    file: 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${KERAS}/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    md5: '4d473c1dd8becc155b73f8504c6f6626',
    approxMiB: 90,
    licence: RESNET,
    source: 'keras.applications.ResNet50(weights="imagenet", include_top=False)',
  },
  {
    name: 'resnet101-imagenet-notop',
    architecture: 'resnet101',
    file: 'resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${KERAS}/resnet/resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    md5: '88cf7a10940856eca736dc7b7e228a21',
    approxMiB: 164,
    licence: RESNET,
    source: 'keras.applications.ResNet101(weights="imagenet", include_top=False)',
  },
  {
    name: 'resnet152-imagenet-notop',
    architecture: 'resnet152',
    file: 'resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${KERAS}/resnet/resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    md5: 'ee4c566cf9a93f14d82f913c2dc6dd0c',
    approxMiB: 224,
    licence: RESNET,
    source: 'keras.applications.ResNet152(weights="imagenet", include_top=False)',
  },
  {
    name: 'inception_v3-imagenet-notop',
    architecture: 'inception_v3',
    file: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
    url: `${KERAS}/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    md5: 'bcbd6486424b2319ff4ef7d526e38f63',
    approxMiB: 84,
    licence: INCEPTION,
    source: 'keras.applications.InceptionV3(weights="imagenet", include_top=False)',
  },
];

export function findSet(name: string): PretrainedSet | undefined {
  return PRETRAINED_SETS.find((s) => s.name === name || s.architecture === name);
}
