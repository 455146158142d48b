import { describeGraphqlContext } from './graphql-suite.js';

// Mercurius on Fastify, through Nest's MercuriusDriver.
describeGraphqlContext({ driver: 'mercurius', adapter: 'fastify' });
