import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';
import { FieldError, InvalidInput } from './errors';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      path,
      message: rule === 'whitelistValidation' ? `${path} is not a known field` : message,
    }));
    return own.concat(flatten(e.children ?? [], path));
  });
}

/** The one global pipe: unknown fields rejected, types converted, every error named by its path. */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InvalidInput('The request is invalid.', flatten(errors)),
  });

/**
 * An optional field that may be left out but, when sent, may not be null: for update fields whose
 * column is NOT NULL (class-validator's IsOptional lets null through to the database). Fields that
 * null clears keep IsOptional.
 */
export const IsOptionalNotNull = (): PropertyDecorator =>
  applyDecorators(
    ValidateIf((_o: object, v: unknown) => v !== undefined),
    IsDefined({ message: '$property must not be null' }),
  );
