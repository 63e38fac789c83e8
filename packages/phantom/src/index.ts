// Public API of @affnet/phantom. This file only re-exports.
export {};
