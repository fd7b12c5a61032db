// Jest runner of the 'integration' project: jest's own runner, but serial (in band). maxWorkers is a
// global option that a project cannot set, and the integration tests must not run in parallel: they
// share one moto server, and each test file resets its whole state.
import TestRunner from 'jest-runner';

/** jest-runner with `isSerial`, so jest runs this project's test files one at a time. */
export default class SerialRunner extends TestRunner {
  override readonly isSerial = true;
}
