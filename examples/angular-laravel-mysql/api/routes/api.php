<?php

use App\Models\Item;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Route;

Route::get('/health', function () {
    DB::connection()->getPdo();
    return ['status' => 'ok'];
});

Route::get('/items', function () {
    return Item::orderBy('id')->get();
});

Route::post('/items', function (Request $request) {
    $name = trim((string) $request->input('name', ''));
    if ($name === '' || mb_strlen($name) > 200) {
        return response()->json(['message' => 'name is required (at most 200 characters)'], 422);
    }
    return response()->json(Item::create(['name' => $name]), 201);
});
