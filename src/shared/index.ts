export * from './hub-error.js';
