// Import circles are refused (`npm run lint`): files that import each other, directly or through
// others, cannot be understood, tested or moved one at a time. Type-only imports count too: a circle
// of types is still a circle in the design (ESLint's import plugins skip them, so this tool checks it).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other in a loop. Cut the loop: move the shared piece to the module both can import.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|\\.serverless)' },
    // `import type` is erased by the compiler but is still a dependency of the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'] },
  },
};
