// The shim exports nothing: it is imported for its effect (installing the Reflect metadata polyfill).
export {};
