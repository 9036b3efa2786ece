// Preload (node --require) making a piped stdin look like a console in raw mode, as the Windows leg does
// under Wine: the test then writes the key Ctrl+C gives in raw mode, "\x03", into the relay's stdin.
process.stdin.isTTY = true;
process.stdin.setRawMode = () => process.stdin;
