package readings

// Table is the embedded table, for the test that compares it with what
// internal/mktable writes.
var Table = table
