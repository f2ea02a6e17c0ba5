export * from './data-source.factory';
export * from './ids';
export * from './migrator';
export * from './naming.strategy';
export * from './roles';
export * from './tenant-db';
export * from './acting-user';
