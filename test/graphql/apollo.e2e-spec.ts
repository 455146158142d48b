import { describeGraphqlContext } from './graphql-suite.js';

// Apollo on Express, through Nest's ApolloDriver and @as-integrations/express5.
describeGraphqlContext({ driver: 'apollo', adapter: 'express' });
