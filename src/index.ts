/**
 * touchlog: a typed, auditable record of every customer interaction, linked to the money involved.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './models/index.js';
export * from './validation/index.js';
