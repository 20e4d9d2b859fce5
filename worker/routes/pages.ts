// Server-rendered public pages the static build cannot know about (incidents opened after the build).
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const pages = new Hono<AppEnv>();
