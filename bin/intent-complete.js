#!/usr/bin/env node
'use strict';
// The CLI bundle (npm run build); run explicitly, whatever name this script was started by.
require('../dist/cli.js').run(process.argv.slice(2));
