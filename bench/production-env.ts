/**
 * Imported first by bench/api.ts: the bench measures the API as deployed (the Docker image sets
 * NODE_ENV=production). graphql-js reads NODE_ENV once when it loads; in development mode every
 * type check during execution takes a slow path (about 5 ms of a 500-node neighbourhood).
 * Override with NODE_ENV=development to measure the development build.
 */
process.env.NODE_ENV ??= 'production';
