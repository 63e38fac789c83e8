/** Internal: kernels receive Tensors from ops but bare TensorInfos from other kernels; ops need Tensors. */
import * as tf from '@tensorflow/tfjs';

export function asTensor(info: tf.TensorInfo): tf.Tensor {
  // The engine's own test for "already a Tensor" (TensorInfos have no rank).
  if ((info as tf.Tensor).rank != null) return info as tf.Tensor;
  // A new Tensor handle on the same data (reference-counted); disposed by the caller's tidy.
  return tf.engine().makeTensorFromTensorInfo(info);
}
