// The delivery's parts the worker provides next to its jobs (the API sends nothing).
import { DeliveryRepository } from './delivery.repository';
import { MessageWriter } from './message-writer';
import { NotificationSender } from './notification-sender';
import { SentMarks } from './sent-marks';

export const DELIVERY_PROVIDERS = [DeliveryRepository, MessageWriter, NotificationSender, SentMarks];
