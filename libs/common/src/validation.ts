import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import { IsDefined, IsNumber, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { FieldError, InvalidInput } from './errors';

// Rules that say what a value must be come before rules about its size: "email must be an email"
// is the message for "x", not "email must be shorter than 320 characters" too.
const sizeRule = (rule: string) => (/^(is|whitelist)/.test(rule) ? 0 : 1);

/** One message per field: the first broken rule that applies (a missing value is "required"). */
function firstMessage(e: ValidationError, path: string): FieldError[] {
  const rules = Object.entries(e.constraints ?? {});
  if (!rules.length) return [];
  if (rules.some(([rule]) => rule === 'whitelistValidation')) return [{ path, message: `${path} is not a known field` }];
  if (e.value === undefined) return [{ path, message: `${path} is required` }];
  if (e.value === null) return [{ path, message: `${path} must not be null` }];
  const [, message] = rules.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => sizeRule(a[0]) - sizeRule(b[0]) || i - j)[0][0];
  return [{ path, message }];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return firstMessage(e, path).concat(flatten(e.children ?? [], path));
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

/** True when n has at most `places` decimal places, exponent forms included (5e-324 and 1e-7 have more than 6). */
export const hasDecimalPlaces = (n: unknown, places: number): boolean => typeof n === 'number' && Number.isFinite(n) && Number(n.toFixed(places)) === n;

/**
 * A measured value: a finite number within ±1e12 with at most 6 decimal places, so it is stored
 * exactly in a numeric column and read back as the same JSON number. (class-validator's
 * maxDecimalPlaces reads the digits after a '.', and lets 5e-324 through.)
 */
export const IsMeasureNumber = (): PropertyDecorator =>
  applyDecorators(
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(-1e12),
    Max(1e12),
    ValidateBy({ name: 'hasDecimalPlaces', validator: { validate: (v: unknown) => hasDecimalPlaces(v, 6), defaultMessage: () => '$property must have at most 6 decimal places' } }),
  );
