import type { UserDto } from './dto/user.dto';
import type { User } from './user.entity';

export const toUserDto = (u: User): UserDto => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  timezone: u.timezone,
  quietHours: u.quietHours,
  clientId: u.clientId,
  createdAt: u.createdAt.toISOString(),
});
