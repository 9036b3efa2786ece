// Runs before anything else of the relay, in bin/passerelle.js and in the packaged passerelle.exe:
// on an older Node.js, undici fails at import with an error that names nothing a person can act on.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `passerelle: Node.js 22.19 or newer is needed (this is ${process.versions.node}). Install the current LTS from https://nodejs.org, or run the relay with \`npm start\` from the repository, which brings its own.\n`,
  );
  process.exit(1);
}
