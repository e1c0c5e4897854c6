"""The interpreters: handlers for JVP, batching and staging, the transpose pass, and
program transformations built from them."""
