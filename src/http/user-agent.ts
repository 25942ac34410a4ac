/** Who the library says it is on the wire (axios-free, so that reading it loads no HTTP stack). */

/** This library's version (a test keeps it equal to package.json's). */
export const LIBRARY_VERSION = '0.1.0';
/** Who is calling, and nothing more: no axios version for the next axios default to change. */
export const USER_AGENT = `payroll-identity/${LIBRARY_VERSION} node/${process.versions.node}`;
