export * from './auth-context';
export * from './errors';
export * from './pagination';
export * from './problem.filter';
export * from './validation';
export * from './id.pipe';
export * from './dates';
