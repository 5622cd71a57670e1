// A client's own CDK app, as a new user writes it after `npm install restore-drill`: the test in
// ../library.test.ts installs the packed library next to this file and synthesizes it. The
// environment variables only let the test pick a case.
const path = require('node:path');
const { App, Stack } = require('aws-cdk-lib');
const { RestoreDrill } = require('restore-drill');

const app = new App();
const stack = new Stack(app, 'ClientDrill');
new RestoreDrill(stack, 'Drill', {
  tables: [{ table: 'orders', customChecks: (process.env.CLIENT_CHECK_NAMES ?? 'price-positive').split(',') }],
  customCheckModules: [path.join(__dirname, 'checks', process.env.CLIENT_CHECK_MODULE ?? 'price-positive.ts')],
});
