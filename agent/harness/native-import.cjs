// Node's own import(), which module hooks see, for a caller whose import() a test runner or bundler rewrites (vitest runs sources in a vm).
/* global module */
module.exports = (specifier) => import(specifier);
