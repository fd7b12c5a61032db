export * from './types';
export * from './validate';
export * from './evaluate';
export * from './merge';
