// The CLI runs the tenancy code in Node, and that code is typed against the Workers runtime
// (KVNamespace, R2Bucket, Queue, Env), which tsconfig.node.json does not load by itself.
/// <reference path="../../worker-configuration.d.ts" />
