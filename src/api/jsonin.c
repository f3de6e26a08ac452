/*
 * jsonin.c - strict JSON object checks. See jsonin.h.
 */
#include "api/jsonin.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

static const char *type_label(int t)
{
	switch (t) {
	case J_STRING:
		return "字符串";
	case J_INT:
		return "整数";
	case J_BOOL:
		return "布尔值";
	case J_OBJECT:
		return "对象";
	case J_ARRAY:
		return "数组";
	}
	return "值";
}

static int type_ok(const json_t *v, int t)
{
	switch (t) {
	case J_STRING:
		return json_is_string(v);
	case J_INT:
		return json_is_integer(v);
	case J_BOOL:
		return json_is_boolean(v);
	case J_OBJECT:
		return json_is_object(v);
	case J_ARRAY:
		return json_is_array(v);
	case J_ANY:
		return 1;
	}
	return 0;
}

int jsonin_check(const json_t *obj, const jfield *fields, const char *prefix, err *e)
{
	char path[ERR_FIELD_MAX];
	const char *sep = prefix && *prefix ? "." : "";
	if (!json_is_object(obj))
		return err_set(e, E_INVALID, prefix && *prefix ? prefix : "body", "应为 JSON 对象");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		const jfield *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		snprintf(path, sizeof path, "%s%s%s", prefix ? prefix : "", sep, key);
		if (!f->name)
			return err_set(e, E_INVALID, path, "未知字段 %s", path);
		if (json_is_null(v) && !f->required)
			continue;
		if (!type_ok(v, f->type))
			return err_set(e, E_INVALID, path, "字段 %s 应为%s", path, type_label(f->type));
		if (f->type == J_STRING) {
			size_t max = f->max_len ? f->max_len : 4096;
			size_t len = json_string_length(v);
			if (len > max)
				return err_set(e, E_INVALID, path, "字段 %s 过长（最多 %zu 字节）", path, max);
			if (!util_utf8_valid(json_string_value(v), len) || memchr(json_string_value(v), 0, len))
				return err_set(e, E_INVALID, path, "字段 %s 含有无效字符", path);
		}
		if (f->type == J_ARRAY && json_array_size(v) > (f->max_len ? f->max_len : 1000))
			return err_set(e, E_INVALID, path, "字段 %s 元素过多", path);
	}
	for (const jfield *f = fields; f->name; f++) {
		if (!f->required)
			continue;
		json_t *x = json_object_get(obj, f->name);
		if (!x || json_is_null(x) || (f->type == J_STRING && json_string_length(x) == 0)) {
			snprintf(path, sizeof path, "%s%s%s", prefix ? prefix : "", sep, f->name);
			return err_set(e, E_INVALID, path, "缺少必填字段 %s", path);
		}
	}
	return OK;
}

const char *jsonin_str(const json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t jsonin_int(const json_t *obj, const char *name, int64_t def)
{
	json_t *v = json_object_get(obj, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

int jsonin_bool(const json_t *obj, const char *name, int def)
{
	json_t *v = json_object_get(obj, name);
	return json_is_boolean(v) ? json_is_true(v) : def;
}
