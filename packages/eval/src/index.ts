// Public API of @affnet/eval. This file only re-exports.
export {};
