// Types of asl-validator 4.0.0 (it ships none), as far as the tests call it: see its README and
// dist/src/validator.js.
declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
  }
  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    /** `CODE: message` of each error, joined with `separator` (default a new line). */
    errorsText(separator?: string): string;
  }
  /** Validates a definition against the Amazon States Language's JSON schema, its paths and transitions. It adds QueryLanguage to states: pass a copy. */
  function validator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidationResult;
  export = validator;
}
