// `npm run demo`: see demo/run.ts. Plain JavaScript so that bare node can start it.
'use strict';
require('../scripts/register-ts');
require('./run.ts')
	.main()
	.then((code) => process.exit(code))
	.catch((error) => {
		console.error(error);
		process.exit(1);
	});
