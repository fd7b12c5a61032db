export * from './types';
export * from './families';
export * from './advise';
export { ADVISED_MARK } from './rules';
