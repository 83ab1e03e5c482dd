// Replaced by the database harness (see test/README.md once written).
export default function setup(): void {}
