import { Module, type DynamicModule } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  Args,
  Field,
  GraphQLModule,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  type MfaModuleOptions,
  type NestAuthRequest,
  type NestAuthUser,
} from '../../src/index.js';
import { FAST_HASHING } from '../utils/test-app.js';

/** The GraphQL drivers the suites run on. */
export type GraphqlDriverName = 'apollo' | 'mercurius';

@ObjectType('User')
class UserModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType()
class RecoveryCode {
  @Field(() => String)
  code!: string;
}

@ObjectType()
class RecoveryCodeRedemption {
  @Field(() => Int)
  remaining!: number;
}

/** The resolver of docs/contexts.md: `@Auth()`, `@CurrentUser()` and `MfaService`, as a user writes them. */
@Resolver()
export class MfaResolver {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Query(() => UserModel)
  me(@CurrentUser() user: NestAuthUser) {
    return user;
  }

  @Auth()
  @Mutation(() => RecoveryCode)
  generateRecoveryCode(@CurrentUser() user: NestAuthUser) {
    return this.mfa.generateRecoveryCode(user.id);
  }

  @Auth({ allowMfaPending: true })
  @Mutation(() => RecoveryCodeRedemption)
  redeemRecoveryCode(
    @CurrentUser('id') userId: string,
    @Args('code', { type: () => String }) code: string,
  ) {
    return this.mfa.redeemRecoveryCode(userId, code);
  }
}

/**
 * Sign-in is a demo header, `x-user-id`; `x-mfa-pending: true` marks a session that passed the
 * password step only.
 */
export function userFromHeaders(request: NestAuthRequest): NestAuthUser | null {
  const id = request.headers['x-user-id'];
  if (typeof id !== 'string' || id === '') return null;
  return { id, name: `${id} example`, mfaPending: request.headers['x-mfa-pending'] === 'true' };
}

/**
 * A GraphQL app on the given driver. Apollo reports stack traces as in development, the
 * case in which an error carries the most.
 */
export function graphqlAppModule(
  driver: GraphqlDriverName,
  options: MfaModuleOptions = {},
): DynamicModule {
  @Module({})
  class GraphqlAppModule {}
  return {
    module: GraphqlAppModule,
    imports: [
      driver === 'apollo'
        ? GraphQLModule.forRoot<ApolloDriverConfig>({
            driver: ApolloDriver,
            autoSchemaFile: true,
            graphiql: false,
            includeStacktraceInErrorResponses: true,
          })
        : GraphQLModule.forRoot<MercuriusDriverConfig>({
            driver: MercuriusDriver,
            autoSchemaFile: true,
            graphiql: false,
          }),
      MfaModule.forRoot({ hashing: FAST_HASHING, authenticate: userFromHeaders, ...options }),
    ],
    providers: [MfaResolver],
  };
}
