export * from './types';
export * from './families';
export * from './advise';
