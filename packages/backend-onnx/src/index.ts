// Public API of @affnet/backend-onnx. This file only re-exports.
export {};
