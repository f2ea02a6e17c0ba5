// The time zone validator as a class-validator decorator (the check itself is in time-zone-name.ts).
import { ValidateBy, ValidationOptions } from 'class-validator';
import { isTimeZoneName } from './time-zone-name';

export { isTimeZoneName, setDatabaseTimeZones } from './time-zone-name';

/** An IANA time zone name that every part of the platform can compute with. */
export const IsTimeZoneName = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy({ name: 'isTimeZoneName', validator: { validate: isTimeZoneName, defaultMessage: () => '$property must be an IANA time zone name, e.g. Europe/Berlin' } }, options);
