export { runSuites, runSuiteFile, emptyReport, type RunReport, type Failure, type Counts, type RunOptions } from './run.ts';
export { findTestFiles } from './discover.ts';
export { sameResource, tidy } from './compare.ts';
