// The platform sandbox (as built in dist/) in a process of its own, for benchmarks that measure its CPU apart from
// the API's. Started by sandbox-process.ts with fork(): argv[2] is the built sandbox-server.js, argv[3] the options as
// JSON. It records the arrival of every platform request (after body parsing) and hands the records over on the
// 'requests' message.
const [serverModule, optionsJson] = process.argv.slice(2);
const { startSandbox } = await import(serverModule);
const requests = [];
const recorder = {
  intercept(req) {
    const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const text = body.caption ?? req.query.caption ?? body.text;
    requests.push({ at: Date.now(), method: req.method, path: req.path, ...(typeof text === 'string' ? { text } : {}) });
    return false;
  },
  reset() {},
};
const handle = await startSandbox({ ...JSON.parse(optionsJson), port: 0, host: '127.0.0.1', faults: recorder });
process.on('message', (message) => {
  if (message === 'requests') process.send({ requests });
  if (message === 'close') void handle.close().then(() => process.exit(0));
});
process.send({ url: handle.url });
