import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { validate } from 'class-validator';

/**
 * Validates a JSON body against a class-validator DTO without class-transformer: the body must be
 * a plain object, and the DTO's rules run on a copy of it. 400 with the class-validator messages,
 * in `ValidationPipe`'s body shape, otherwise.
 * @publicApi
 */
@Injectable()
export class MfaValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype;
    if (metadata.type !== 'body' || !dto || !isDtoClass(dto)) return value;
    const body = value ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException(['request body must be a JSON object']);
    }
    // Own properties only: a JSON `__proto__` key must not swap the DTO's prototype (and its rules).
    const instance = Object.defineProperties(new dto(), Object.getOwnPropertyDescriptors(body));
    const errors = await validate(instance, { forbidUnknownValues: true });
    if (errors.length > 0) {
      const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
      throw new BadRequestException([...new Set(messages)]);
    }
    return instance;
  }
}

function isDtoClass(type: unknown): type is new () => object {
  return (
    typeof type === 'function' && ![String, Number, Boolean, Object, Array].includes(type as never)
  );
}
