export * from './version.js';
export * from './errors.js';
export * from './doc-keys.js';
export * from './roles.js';
export * from './schemas.js';
export * from './account-schemas.js';
export * from './events.js';
export * from './rest.js';
