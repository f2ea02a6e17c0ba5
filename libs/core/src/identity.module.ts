import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/config';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { JwtStrategy } from './auth/jwt.strategy';
import { AuthRateLimitGuard, RateLimitsService } from './auth/rate-limits.service';
import { ACCESS_TOKEN_TTL_SECONDS, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, TokensService } from './auth/tokens.service';
import { ClientsController } from './clients/clients.controller';
import { ClientsRepository } from './clients/clients.repository';
import { ClientsService } from './clients/clients.service';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsService } from './invitations/invitations.service';
import { NotificationsModule } from './notifications/notifications.module';
import { PracticesController } from './practices/practices.controller';
import { PracticesService } from './practices/practices.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/** Practices, their members and clients, and how they sign in. */
@Module({
  imports: [
    NotificationsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject: given a string, jsonwebtoken first tries (and fails) to read it as a PEM key on every call.
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: ACCESS_TOKEN_TTL_SECONDS, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
        verifyOptions: { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
      }),
    }),
  ],
  providers: [AuthService, TokensService, RateLimitsService, AuthRateLimitGuard, JwtStrategy, ApiKeyStrategy, UsersService, PracticesService, InvitationsService, ApiKeysService, ClientsService, ClientsRepository],
  exports: [AuthService, TokensService, RateLimitsService, AuthRateLimitGuard, JwtStrategy, ApiKeyStrategy, UsersService, PracticesService, InvitationsService, ApiKeysService, ClientsService, ClientsRepository],
})
export class IdentityModule {}

/** The API's side of identity: sign-in, members, practice settings, invitations, API keys, clients. Exports the module for the global AuthGuard. */
@Module({ imports: [IdentityModule], exports: [IdentityModule], controllers: [AuthController, UsersController, PracticesController, InvitationsController, ApiKeysController, ClientsController] })
export class IdentityHttpModule {}
