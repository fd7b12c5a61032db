export * from './types';
export * from './validate';
export * from './evaluate';
export * from './merge';
export * from './janitor-write';
export * from './retention';
export * from './input';
export * from './lint';
