// Public API of @affnet/backend-tfjs. This file only re-exports.
export {};
