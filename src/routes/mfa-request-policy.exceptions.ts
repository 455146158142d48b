import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Message of `CrossOriginRequestException`.
 * @publicApi
 */
export const CROSS_ORIGIN_REQUEST_MESSAGE =
  'Cross-origin request refused: call from the app’s own origin, or list the origin in `routes.trustedOrigins`.';

/**
 * Message of `JsonBodyRequiredException`.
 * @publicApi
 */
export const JSON_BODY_REQUIRED_MESSAGE =
  'The request body must be JSON: send it with `Content-Type: application/json`.';

/**
 * 403 `cross_origin_request`: a state-changing request of the ready-made routes came from another
 * site (`Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin` other than the request's own
 * host) whose origin is not in `routes.trustedOrigins`. Nothing ran.
 * @publicApi
 */
export class CrossOriginRequestException extends HttpException {
  constructor() {
    super(
      {
        statusCode: HttpStatus.FORBIDDEN,
        error: 'cross_origin_request',
        message: CROSS_ORIGIN_REQUEST_MESSAGE,
      },
      HttpStatus.FORBIDDEN,
    );
  }
}

/**
 * 415 `unsupported_media_type`: a state-changing request of the ready-made routes carried a body
 * that is not JSON (`application/json` or a `+json` type), such as a form or `text/plain`. Nothing
 * ran: no hash, no attempt counted.
 * @publicApi
 */
export class JsonBodyRequiredException extends HttpException {
  constructor() {
    super(
      {
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        error: 'unsupported_media_type',
        message: JSON_BODY_REQUIRED_MESSAGE,
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
}
