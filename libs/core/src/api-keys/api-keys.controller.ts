import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPage, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Roles('owner')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The key is in this response only; it is stored hashed. */
  @Post()
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(ctx, dto);
  }

  /** The practice's keys, without secrets. */
  @Get()
  async list(@Ctx() ctx: AuthContext): Promise<ApiKeyPage> {
    return { data: await this.keys.list(ctx), nextCursor: null };
  }

  /** Deletes an API key; it stops working at once. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.keys.remove(ctx, id);
  }
}
