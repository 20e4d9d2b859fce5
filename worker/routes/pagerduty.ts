// PagerDuty Events API v1 and v2 receivers (key in the body).
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const pagerduty = new Hono<AppEnv>();
