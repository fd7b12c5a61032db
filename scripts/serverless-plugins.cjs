// The plugins of the stack: the home stack bundles its functions with esbuild; a forwarder stack
// (--param="homeRegion=…" naming another region) has no functions, and serverless-esbuild fails on
// none. Plugins are resolved before parameters, so this reads the command line itself.
module.exports = ({ options }) => {
  const params = [].concat(options.param ?? []);
  const home =
    params
      .map(String)
      .find((p) => p.startsWith('homeRegion='))
      ?.slice('homeRegion='.length)
      .trim() ?? '';
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return home === '' || home === region ? ['serverless-esbuild'] : [];
};
