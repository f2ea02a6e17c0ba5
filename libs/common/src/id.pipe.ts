import { Param, PipeTransform } from '@nestjs/common';
import { InvalidInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}
  transform(value: string): string {
    if (!UUID.test(value)) throw new InvalidInput(`${this.name} must be a UUID.`, [{ path: this.name, message: `${this.name} must be a UUID` }]);
    return value.toLowerCase();
  }
}

/** A UUID path parameter; anything else is 400. */
export const IdParam = (name = 'id') => Param(name, new ParseIdPipe(name));
