export * from './cross-practice-db';
export * from './data-source.factory';
export * from './database-functions';
export * from './ids';
export * from './migrator';
export * from './naming.strategy';
export * from './roles';
export * from './tenant-db';
